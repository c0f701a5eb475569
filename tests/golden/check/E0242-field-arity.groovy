pipeline {
    agent any
    stages {
        stage('a') {
            input {
                message 'Deploy?', 'Really?'
            }
            steps {
                echo 'hi'
            }
        }
    }
}
