pipeline {
    agent any
    stages {
        stage('build') {
            steps {
                stage('inner') {
                    echo 'hi'
                }
            }
        }
    }
}
