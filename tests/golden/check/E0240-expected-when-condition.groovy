pipeline {
    agent any
    stages {
        stage('a') {
            when {
                params.DEPLOY == true
            }
            steps {
                echo 'hi'
            }
        }
    }
}
