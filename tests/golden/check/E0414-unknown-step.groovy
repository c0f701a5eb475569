pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                ech 'hi'
            }
        }
    }
}
