pipeline {
    agent any
    stages {
        stage('a') {
            steps {
                script 'echo hi'
            }
        }
    }
}
