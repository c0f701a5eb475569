

pipeline {


    agent any



    stages {

        stage("a") {
            steps {
                echo "a"


                echo "b"

            }
        }


        stage("b") {
            steps {
                echo "c"   
            }
        }

    }
}



